"""CDK app that deploys Image Factory from the definitions the local stack uses."""
