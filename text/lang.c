/* lang.c — stub, being written */
