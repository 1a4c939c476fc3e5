"""The shipped library: conversation fixtures and action catalogues, their schema and checks."""
