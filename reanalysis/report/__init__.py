"""Report layer: results with a typed contract, figures, rendering and the writer."""
