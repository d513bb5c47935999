"""The queue page: filters, saved views and the lazy ticket table."""
