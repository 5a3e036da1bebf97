"""Image Factory: batch image generation on AWS serverless."""
