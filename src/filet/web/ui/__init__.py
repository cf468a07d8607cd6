"""Server-rendered web UI (Jinja2 + htmx): one module of routes per area, templates beside them."""
