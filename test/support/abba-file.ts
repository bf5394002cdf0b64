/** The source of a user's model file: two tasks taking two mutexes in opposite orders. */
export function abbaModelFile(name: string): string {
  return `
    import { ModelBuilder, sourceIn } from '${process.cwd()}/src/index.ts';
    const at = sourceIn('fs/x.c', 'v1');
    const b = new ModelBuilder('${name}');
    const A = b.mutex('A'); const B = b.mutex('B');
    b.process('t1', {}, (p) => p.step('a', { action: 'lock A', source: at(1, 'f'), op: A.lock() }).step('b', { action: 'lock B', source: at(2, 'f'), op: B.lock() })
      .step('c', { action: 'unlock B', source: at(3, 'f'), op: B.unlock() }).step('d', { action: 'unlock A', source: at(4, 'f'), op: A.unlock() }));
    b.process('t2', {}, (p) => p.step('a', { action: 'lock B', source: at(5, 'g'), op: B.lock() }).step('b', { action: 'lock A', source: at(6, 'g'), op: A.lock() })
      .step('c', { action: 'unlock A', source: at(7, 'g'), op: A.unlock() }).step('d', { action: 'unlock B', source: at(8, 'g'), op: B.unlock() }));
    export default b.build();`;
}
