"""Identity verification: the offline face engine (detection, landmarks, embeddings, matching)."""
