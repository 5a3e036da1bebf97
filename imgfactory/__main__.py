import sys

from imgfactory.cli import main

sys.exit(main())
