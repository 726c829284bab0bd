"""Statistics core: pure functions on numbers and arrays (no trial objects, no English)."""
