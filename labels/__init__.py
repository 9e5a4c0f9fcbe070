"""Pure renderers: label data + a stock in, PDF or ZPL bytes out. No ORM, no request."""
