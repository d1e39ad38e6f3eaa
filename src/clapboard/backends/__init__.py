"""Concrete generator backends, one module each, registered in the ``clapboard.backends`` entry-point group."""
