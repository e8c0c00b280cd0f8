"""Vehicles: registering trucks, cars and buses to an owner, and listing a fleet."""
