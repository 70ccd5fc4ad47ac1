/* utf8.c — stub, being written */
