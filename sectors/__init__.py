"""Strategic sectors: the industries the Busan plan names."""
