"""Monitoring: the analytics store fed by Rasa's event broker, the KPIs of kpis.yml computed from it
(docs/monitoring.md defines every one), and the report people read."""
