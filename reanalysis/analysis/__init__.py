"""Analysis layer: the statistics core applied to trials, studies and claims."""
