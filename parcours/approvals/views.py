"""Views (thin: parse, call a service, render)."""
