"""Data layer: SQLModel tables, engine set-up, migrations. No Qt here."""
