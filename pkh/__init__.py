"""PKH commitments, verification per stage, P2K2, consequences and graduation (issue 15)."""
