"""Page routes, one module per area; every router checks CSRF on unsafe methods."""
