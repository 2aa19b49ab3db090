"""Feed-forward style transfer networks (AdaIN; multi-style CIN and style prediction to come)."""
