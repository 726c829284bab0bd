from reanalysis.cli import main

raise SystemExit(main())
