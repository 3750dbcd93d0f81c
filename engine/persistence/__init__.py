"""Persistence: tables, unit of work, migrations, the case row, the audit trail and case clocks."""
