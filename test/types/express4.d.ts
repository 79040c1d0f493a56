// The dev dependency `express4` is Express 4 under another name, so both majors run in one test suite.
// Express 4's runtime API used by the tests is a subset of Express 5's types.
declare module 'express4' {
  import express from 'express';
  export default express;
}
