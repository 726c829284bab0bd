from reanalysis.cli import run

run()
