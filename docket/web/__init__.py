"""The staff workspace: the web product a policy team runs its campaigns in."""
