"""One module per report section, each exporting ``blocks(results) -> list[Block]``."""
