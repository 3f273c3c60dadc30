import sys

from creditgraph.cli import main

sys.exit(main())
