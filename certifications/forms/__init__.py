"""Forms, one module per capability (intake, dashboard filters, review...). Forms validate and
normalise only: views pass the cleaned data to services."""
