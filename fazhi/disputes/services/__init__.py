"""Services: every change to a dispute, petition or hotline appeal goes through here."""
