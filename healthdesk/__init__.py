"""healthdesk: buyer account health for lead-generation businesses."""
