"""Views of the commission app: the secretariat's pages (secretariat.py) and the member portal (portal.py)."""
