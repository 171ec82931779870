"""The version, in a module that imports nothing (reporters and stores name it without loading
the engine)."""
__version__ = "0.1.0"
