import type { SourceLoc } from './source-loc.js';

/** One argument of a directive as the grammar read it, with where it starts. */
export interface Word {
  readonly text: string;
  readonly loc: SourceLoc;
  /** True when the word was written in quotes; nginx and keepalived both treat quoted words as literal. */
  readonly quoted: boolean;
}

/**
 * One node of the generic directive tree that every grammar produces (design.md §1): syntax only,
 * no meaning. `block` is present for `name args { ... }` and absent for `name args;`.
 */
export interface Directive {
  readonly name: string;
  readonly args: readonly Word[];
  readonly block?: readonly Directive[];
  readonly loc: SourceLoc;
}

/** The parsed form of one configuration file and everything it included. */
export interface DirectiveTree {
  readonly file: string;
  readonly directives: readonly Directive[];
}
