// nx_xapian.cc — stub, being written
