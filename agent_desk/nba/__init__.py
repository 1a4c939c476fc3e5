"""Next-best-action sources: everything that proposes suggestions, behind one interface."""
