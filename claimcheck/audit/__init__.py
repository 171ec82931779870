"""Batch audits: many documents in parallel into a results store, and reports over it."""
