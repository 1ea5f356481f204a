"""hotline: decision and audit toolkit for the hotline procedure
«Клиент не согласен с заключением мастера, что техника исправна»."""

__version__ = "0.1.0"
