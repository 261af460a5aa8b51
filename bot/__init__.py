"""Digihjelpen: helps municipal employees find, get access to and use their digital work tools."""
