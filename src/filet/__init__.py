"""filet: an open information system to dismantle migrant-smuggling networks while protecting
the migrants they smuggle."""

__version__ = "0.1.0"
__all__ = ["__version__"]
