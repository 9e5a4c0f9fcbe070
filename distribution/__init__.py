"""Stock meets people: allocations, handovers, receipts, returns, the matching planner."""
