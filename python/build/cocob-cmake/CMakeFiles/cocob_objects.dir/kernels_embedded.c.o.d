CMakeFiles/cocob_objects.dir/kernels_embedded.c.o: \
 /work/main/python/build/cocob-cmake/kernels_embedded.c \
 /usr/include/stdc-predef.h /work/main/src/backend/opencl/embedded.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
