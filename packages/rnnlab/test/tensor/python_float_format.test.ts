/**
 * Python's '{:.Nf}' / '{:.Ne}' formatting, exact ties included. Expected strings from Python 3.11:
 *   python3 -c "print([['{:.4f}'.format(v), '{:.0f}'.format(v), '{:.4e}'.format(v), '{:.0e}'.format(v)] for v in VALUES])"
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFixed, formatScientific } from '../../src/tensor/python_float_format.js';

// [value, .4f, .0f, .4e, .0e]
const PYTHON: Array<[number, string, string, string, string]> = [
  [0.03125, '0.0312', '0', '3.1250e-02', '3e-02'],
  [-0.03125, '-0.0312', '-0', '-3.1250e-02', '-3e-02'],
  [0.5, '0.5000', '0', '5.0000e-01', '5e-01'],
  [1.5, '1.5000', '2', '1.5000e+00', '2e+00'],
  [2.5, '2.5000', '2', '2.5000e+00', '2e+00'],
  [-0, '-0.0000', '-0', '-0.0000e+00', '-0e+00'],
  [12344.5, '12344.5000', '12344', '1.2344e+04', '1e+04'],
  [12345.5, '12345.5000', '12346', '1.2346e+04', '1e+04'],
  [9.99995, '10.0000', '10', '1.0000e+01', '1e+01'],
  [0.99995, '1.0000', '1', '9.9995e-01', '1e+00'],
  [1e-45, '0.0000', '0', '1.0000e-45', '1e-45'],
  [
    3.4028234663852886e38,
    '340282346638528859811704183484516925440.0000',
    '340282346638528859811704183484516925440',
    '3.4028e+38',
    '3e+38',
  ],
  [123.456, '123.4560', '123', '1.2346e+02', '1e+02'],
  [1e21, '1000000000000000000000.0000', '1000000000000000000000', '1.0000e+21', '1e+21'],
  [0.1, '0.1000', '0', '1.0000e-01', '1e-01'],
  [2 ** -20, '0.0000', '0', '9.5367e-07', '1e-06'],
  [65504, '65504.0000', '65504', '6.5504e+04', '7e+04'],
];

test('formatFixed and formatScientific equal Python on ties, -0, carries and extremes', () => {
  for (const [v, f4, f0, e4, e0] of PYTHON) {
    assert.equal(formatFixed(v, 4), f4, `${v} .4f`);
    assert.equal(formatFixed(v, 0), f0, `${v} .0f`);
    assert.equal(formatScientific(v, 4), e4, `${v} .4e`);
    assert.equal(formatScientific(v, 0), e0, `${v} .0e`);
  }
});

test('non-finite values print as Python does', () => {
  assert.equal(formatFixed(Number.NaN, 4), 'nan');
  assert.equal(formatScientific(Number.POSITIVE_INFINITY, 4), 'inf');
  assert.equal(formatFixed(Number.NEGATIVE_INFINITY, 0), '-inf');
});
