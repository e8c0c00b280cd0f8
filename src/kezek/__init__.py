"""Kezek: an electronic queue for vehicles crossing land borders."""

__version__ = "0.1.0"
