// node svg-to-png.js IN.svg OUT.png WIDTH: one SVG to a PNG with resvg (npm install @resvg/resvg-js).
const { Resvg } = require('@resvg/resvg-js');
const fs = require('fs');
const [,, input, output, size] = process.argv;
const r = new Resvg(fs.readFileSync(input, 'utf8'), { fitTo: { mode: 'width', value: +size }, background: 'rgba(0,0,0,0)' });
fs.writeFileSync(output, r.render().asPng());
