"""KeyPick: collect and understand social-media conversation by keyword."""

__version__ = "0.1.0"
__all__ = ["__version__"]
