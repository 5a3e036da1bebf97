"""Local fake servers for the external APIs, so provider tests run real HTTP with no network."""
