#!/usr/bin/env python3
"""Writes test/fixtures/npy/*.npy with NumPy itself (the reference writer), for test/npy.test.ts.

Run once with NumPy installed (made with NumPy 2.4.6): python3 scripts/make-npy-fixtures.py
The tests do not need NumPy: they read these files and recompute the values from the
formulas below (every array is a simple function of its C-order index).
"""
import os
import numpy as np
from numpy.lib import format as npf

out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'npy')
os.makedirs(out, exist_ok=True)

def save(name, arr, version=None):
    with open(os.path.join(out, name), 'wb') as f:
        npf.write_array(f, arr, version=version, allow_pickle=False)

i = np.arange(24)
save('f4-2x3x4.npy', ((i - 7) / 8).astype('<f4').reshape(2, 3, 4))
save('f8-be-3x4.npy', ((np.arange(12) - 5.5) * 1e-3).astype('>f8').reshape(3, 4))
save('f4-fortran-3x4.npy', np.asfortranarray(((np.arange(12) * 3 - 4) / 16).astype('<f4').reshape(3, 4)))
save('i4-fortran-be-2x3x2.npy', np.asfortranarray((np.arange(12) * 7 - 40).astype('>i4').reshape(2, 3, 2)))
save('u1-5.npy', np.array([0, 1, 127, 128, 255], dtype='u1'))
save('i1-4.npy', np.array([-128, -1, 0, 127], dtype='i1'))
save('i2-be-3.npy', np.array([-32768, 2, 32767], dtype='>i2'))
save('u2-3.npy', np.array([0, 1000, 65535], dtype='<u2'))
save('u4-3.npy', np.array([0, 1, 4294967295], dtype='<u4'))
save('b1-2x3.npy', np.array([[True, False, True], [False, False, True]]))
save('i8-6.npy', np.array([0, 1, 2, 9, -3, 2**40], dtype='<i8'))
save('u8-2.npy', np.array([0, 2**64 - 1], dtype='<u8'))
save('f2-4.npy', np.array([0.5, -2.0, 65504.0, 2**-24], dtype='<f2'))
save('f8-scalar.npy', np.array(3.25, dtype='<f8'))
save('f4-empty-0x5.npy', np.zeros((0, 5), dtype='<f4'))
save('f4-v2-2x2.npy', np.array([[1, 2], [3, 4]], dtype='<f4'), version=(2, 0))
save('f4-v3-2x2.npy', np.array([[1, 2], [3, 4]], dtype='<f4'), version=(3, 0))
# Unsupported or malformed.
save('c8-2.npy', np.array([1 + 2j, 3 - 4j], dtype='<c8'))
save('structured-2.npy', np.zeros(2, dtype=[('x', '<f4'), ('y', '<i4')]))
good = open(os.path.join(out, 'f4-2x3x4.npy'), 'rb').read()
open(os.path.join(out, 'truncated.npy'), 'wb').write(good[:-5])
open(os.path.join(out, 'not-npy.npy'), 'wb').write(b'PK\x03\x04 this is a zip, not an npy file' + bytes(40))
