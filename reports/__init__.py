"""Reports on top of every domain: the impact report, the dashboard's series. Reads only; no models."""
