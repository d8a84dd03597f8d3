"""Views, one module per audience: advocate (intake and dashboard), agency (queue, decisions,
coordinator), documents (draft forms), notifications (the bell)."""
