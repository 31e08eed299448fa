"""Administration: users, their tokens, and delegations (admin only)."""
