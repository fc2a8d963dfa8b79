"""The public cek bansos lookup and the public forms (issue 14)."""
