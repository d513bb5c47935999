"""The staff roster: shift types, shifts, conflicts, coverage, rotations, who is on now."""
